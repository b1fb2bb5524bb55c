"""Voices not in the room: words or a picture from someone who is not at the meeting."""
