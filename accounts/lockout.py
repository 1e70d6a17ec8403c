from .addresses import normalise_email


def username_for_lockout(request, credentials) -> str:
    """Count failed sign-ins per address as the sign-in looks it up (`normalise_email`): every
    spelling that reaches an account is counted as that account, so no spelling gets fresh
    guesses.

    The sign-in form posts `username`; Django passes it to the backends under the user model's
    USERNAME_FIELD (`email`), so both names are looked for.
    """
    if credentials:
        values = {str(key): value for key, value in credentials.items()}
    else:
        values = getattr(request, "POST", {})
    return normalise_email(str(values.get("email") or values.get("username") or ""))
