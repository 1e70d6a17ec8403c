"""What every app stands on, and nothing of the programme itself: how a refusal reaches the
person, signed links, the limits every request is held to, the headers every response carries.

It holds no models and imports none of the project's apps, so every app may import it.
"""
