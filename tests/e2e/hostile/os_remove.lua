os.remove("somefile")
