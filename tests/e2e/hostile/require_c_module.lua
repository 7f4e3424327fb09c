local socket = require "socket.core"
