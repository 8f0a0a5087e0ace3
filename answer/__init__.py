"""The answering stage: a question's trip from plan to composed answer."""
