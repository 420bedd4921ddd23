"""What a notebook calls: ``check(task_id, obj)`` and ``check_all(assignment)``, and the setup cell's installer."""
