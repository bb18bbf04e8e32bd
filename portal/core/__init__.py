"""The portal shell: home page, language switch, errors, shared types and time helpers."""
