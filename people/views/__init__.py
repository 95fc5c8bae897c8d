"""The pages, one module per area: home, people, proposals, calibration, insights."""
