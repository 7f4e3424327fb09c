local host = require "qm.host"
