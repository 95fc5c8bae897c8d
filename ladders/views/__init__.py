"""The pages: reading ladders (browse) and HR's editor (editor)."""
