-- one SQL string of 400 MB
print(#db:scalar("SELECT printf('%.*c', 400000000, 'x')"))
