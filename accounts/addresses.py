"""One spelling of an email address, used wherever the site stores, finds or counts by one.

Sign-in, the lock-out, sign-up, password reset, invitations and the mail limits all compare
addresses; each doing it its own way let look-alike spellings reach one account while being
counted as different people (PostgreSQL's UPPER() folds the dotless i, U+0131, into "I";
Python's lower() keeps it). So every one of them calls `normalise_email`, and the database is
asked for an exact match on its result.

What it does, and why:
- surrounding white space is dropped (a pasted address often carries some);
- Unicode NFKC: fullwidth and other compatibility forms become the plain letters a mail
  server delivers to ("maria@" typed in fullwidth letters, U+FF4D..., is "maria@");
- the whole address is lower-cased, local part included: no mail provider the programme's
  people use tells "Maria@" from "maria@", and one person must not hold two accounts, or two
  lock-out counts, for one mailbox. `lower()` rather than `casefold()`: casefold also folds
  "ß" into "ss" and the final sigma into the other one, which makes different mailboxes
  (and, under IDNA 2008, different domains: faß.de is not fass.de) into one;
- a domain label typed in its ASCII form ("xn--exmple-cua") is decoded to the Unicode one
  ("exämple"), so both spellings of an internationalised domain are one address; mail is
  still sent to it correctly (Django encodes the domain when sending). Nothing is encoded the
  other way: Python's "idna" codec is IDNA 2003, whose mapping differs from the registries'.
"""

import unicodedata

from django import forms

# Full stops that IDNA reads as the dot between labels.
_LABEL_DOTS = str.maketrans({"\u3002": ".", "\uff61": "."})


def normalise_email(address: str) -> str:
    """The one spelling of `address` under which the site stores and looks it up.

    Idempotent: normalise_email(normalise_email(a)) == normalise_email(a).
    """
    address = _fold(address)
    local, at, domain = address.rpartition("@")
    if not at:
        return address
    labels = [_unicode_label(label) for label in domain.translate(_LABEL_DOTS).split(".")]
    return _fold(f"{local}@{'.'.join(labels)}")


def _fold(text: str) -> str:
    # Stripped after NFKC too: it turns some characters (the acute accent U+00B4) into a
    # space and a combining mark.
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).lower()).strip()


def _unicode_label(label: str) -> str:
    if not label.startswith("xn--"):
        return label
    try:
        decoded = label[4:].encode("ascii").decode("punycode")
    except (UnicodeError, ValueError):
        decoded = ""
    if decoded.isascii() or decoded.encode("punycode").decode("ascii") != label[4:]:
        # Not a valid A-label: kept as typed, so that it matches only itself.
        return label
    return decoded


class EmailAddressField(forms.EmailField):
    """An email field that gives the address as `normalise_email` spells it.

    Normalised before validation, so that an address typed in fullwidth letters is accepted as
    the plain one it stands for, and a form compares (and reports as changed) the address
    itself, not its letter case.
    """

    def to_python(self, value):
        return normalise_email(super().to_python(value))
