"""Raid analysis: episodes, campaign accounts, designating posts, origins, ban evasion,
impersonation, doxxing and live alerts (see docs/raids.md); the scenario simulator that tests
them is :mod:`rempart.simulate`."""
