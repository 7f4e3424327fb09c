rawset(string, "rep", nil)
