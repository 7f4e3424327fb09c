print("Content-Length: 5\r\n\r\nhello")   -- a model that prints cannot corrupt the protocol
model "p" { title = "P", scale = scale.points { 0, 100 }, theme "t" { title = "T", question "1" { text = "?" } } }
