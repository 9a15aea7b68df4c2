"""Sharing policy (issue 6): the rulebook, the checker, and the publish-time decisions.

- `coupons.sharing.checker.check` — pure checker over texts and mechanics.
- `coupons.sharing.publication.check_for_publication(campaign)` — runs the checker with the
  active rulebook and returns a `Decision` the publish flow acts on.
"""


def check_for_publication(campaign, *, actor=None):
    """See `coupons.sharing.publication.check_for_publication` (imported lazily: it needs models)."""
    from coupons.sharing.publication import check_for_publication as run

    return run(campaign, actor=actor)
