"""Domain core: knows Vietnamese text, numbers, plans and progress rules, and nothing of Telegram."""
