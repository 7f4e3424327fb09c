local f = io.open("pwned_io_open", "w")
f:write("x")
