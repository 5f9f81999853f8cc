"""Email in: IMAP mailboxes and uploaded .eml files become inquiries and replies.

``parse`` and ``autoreply`` are pure, ``imap`` does the network, ``services`` writes.
"""
