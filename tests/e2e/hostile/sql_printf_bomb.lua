-- one SQL string of 100 MB
print(#db:scalar("SELECT printf('%.*c', 100000000, 'x')"))
