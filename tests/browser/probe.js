// Injected into a copy of the report by the browser test: measures what a reader sees and
// writes it as JSON into a pre element (id probe), which --dump-dom prints after load.
(function () {
  const shown = (el) => {
    const box = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    return box.width > 0 && box.height > 0 && style.visibility !== "hidden" && style.display !== "none";
  };
  const verdict = document.querySelector(".verdict");
  const heading = [...document.querySelectorAll("h2")].find((h) => h.textContent === "Tunnel states over time");
  const chart = heading ? heading.nextElementSibling : null;
  const result = {
    viewport: window.innerWidth,
    overflow: document.documentElement.scrollWidth - window.innerWidth,
    // the outermost elements past the right edge, to name what overflows
    wide: [...document.querySelectorAll("body *")]
      .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1)
      .filter((e) => !(e.parentElement.getBoundingClientRect().right > window.innerWidth + 1))
      .slice(0, 5)
      .map((e) => e.tagName + "." + e.className),
    verdict: verdict ? { text: verdict.innerText, shown: shown(verdict) } : null,
    text: document.body.innerText,
    history: chart && chart.tagName.toLowerCase() === "svg"
      ? { width: chart.getBoundingClientRect().width, rects: chart.querySelectorAll("rect").length }
      : null,
  };
  // In a narrow frame (Chromium's headless window is at least 500 px wide) the result goes
  // to the page around it, the one --dump-dom prints.
  const host = window.parent === window ? document : window.parent.document;
  const out = host.createElement("pre");
  out.id = "probe";
  out.textContent = JSON.stringify(result);
  host.body.appendChild(out);
})();
