"""SMTP relay tests: the dialogue from the tool host, a router's telnet transcript, verdicts."""
