def username_for_lockout(request, credentials) -> str:
    """Count failed sign-ins per address as typed in any case: Maria@ and maria@ are one person.

    The sign-in form posts `username`; Django passes it to the backends under the user model's
    USERNAME_FIELD (`email`), so both names are looked for.
    """
    if credentials:
        values = {str(key): value for key, value in credentials.items()}
    else:
        values = getattr(request, "POST", {})
    return str(values.get("email") or values.get("username") or "").strip().lower()
