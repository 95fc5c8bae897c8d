"""Who may see and do what: people, proposals, calibration. Views and templates ask these."""
