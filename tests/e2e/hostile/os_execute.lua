os.execute("touch pwned_os_execute")
