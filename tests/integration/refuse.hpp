// Makes a database refuse some writes, as a rule the code under test does not know of would (a
// constraint or trigger an operator added): for the tests of what one refused row holds back.
#pragma once

#include <string>

#include "db/database.hpp"

namespace motcua::testing {

/// The database refuses each `op` (INSERT or UPDATE) of a row of `table` for which `when` (an SQL
/// condition on NEW) holds, with a check violation whose message is `why`.
inline void RefuseRows(db::Connection& c, const std::string& engine, const std::string& op, const std::string& table,
                       const std::string& when, const std::string& why) {
  std::string name = "test_refuse_" + table;
  if (engine == "postgres") {
    c.ExecuteScript("CREATE OR REPLACE FUNCTION " + name + "() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF " + when +
                    " THEN RAISE EXCEPTION '" + why + "' USING ERRCODE = 'check_violation'; END IF; RETURN NEW; END $$; "
                    "CREATE TRIGGER " + name + " BEFORE " + op + " ON " + table + " FOR EACH ROW EXECUTE FUNCTION " + name + "()");
  } else {
    c.ExecuteScript("CREATE TRIGGER " + name + " BEFORE " + op + " ON " + table + " WHEN " + when + " BEGIN SELECT RAISE(ABORT, '" +
                    why + "'); END");
  }
}

/// The operator removes the cause.
inline void StopRefusingRows(db::Connection& c, const std::string& engine, const std::string& table) {
  std::string name = "test_refuse_" + table;
  c.ExecuteScript(engine == "postgres" ? "DROP TRIGGER " + name + " ON " + table + "; DROP FUNCTION " + name + "()"
                                       : "DROP TRIGGER " + name);
}

}  // namespace motcua::testing
