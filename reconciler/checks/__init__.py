"""Verify's checks: facts about GitHub and the plan in, judged checks out. Pure: nothing here reads GitHub."""
