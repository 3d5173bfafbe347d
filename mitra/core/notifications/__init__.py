"""Notifications: in-app reminders for a unit, e-mailed once to its people.

`models.Notification` is the record (core owns it, so any app can notify without depending on another app);
`services.deliver()` creates one, e-mails it and marks it sent, once per key; `services.mark_read()` records that a
user has read it; `selectors.notifications_for()` lists a user's unread ones.
"""
