"""Playbooks: YAML files naming hosts, checks, thresholds and assertions (validated on load)."""
