"""Domain core: Vietnamese text, numbers, plans and progress rules; nothing of Telegram."""
