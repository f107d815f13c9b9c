"""Review work: decisions, queues, routing, oversight, notifications, audit."""
