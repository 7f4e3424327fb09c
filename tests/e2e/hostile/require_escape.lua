local m = require "..secret"
