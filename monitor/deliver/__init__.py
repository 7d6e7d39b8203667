"""What the office receives: digests, alerts, the monthly report, reply letters, and the mail that carries them."""
