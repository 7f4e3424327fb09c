local p = io.popen("touch pwned_popen")
