-- a trigger that would run with the rights of whoever writes my_audit (the engine, on import)
db:exec("CREATE TABLE IF NOT EXISTS my_audit(a)")
db:exec("CREATE TRIGGER wipe AFTER INSERT ON my_audit BEGIN DELETE FROM qm_consensus_history; END")
