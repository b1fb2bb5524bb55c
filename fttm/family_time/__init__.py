"""Private family time: the family drafts its plan alone, and shares it when it is ready."""
