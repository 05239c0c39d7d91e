"""Deadline reminders.

* :mod:`reminders.calendar` — pure: periods (``period_for``, ``period_key_for``), reminder
  slots with weekend/holiday shifting, Vietnamese wording of dates and deadlines;
* :mod:`reminders.broadcast` — sending one reminder to many chats within Telegram's limits,
  each chat at most once (delivery rows claimed before sending);
* :mod:`reminders.service` — the use cases: deadlines, periods, ``send_due``, ``send_now``;
* :mod:`reminders.schedule` — ``rebuild_schedule``: JobQueue jobs from the database.
"""
