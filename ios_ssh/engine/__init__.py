"""Runners for ios_ssh.flow: `sync` (netmiko/scrapli Conversations)."""
