"""Raid analysis: episodes, campaign accounts, designating posts, origins, ban evasion,
impersonation, doxxing, live alerts, and the scenario simulator (see docs/raids.md)."""
