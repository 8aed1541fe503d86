"""Reading event logs after the fact: summaries now, scores and reports to come."""
