-- qm would refuse the database afterwards
db:exec("PRAGMA user_version = 999")
