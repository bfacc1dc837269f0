@testable import EventLog
import Foundation
import PostgresNIO
import Testing

@Suite("Pure parts of the log")
struct UnitTests {
    @Test func sqlScriptsSplitOnlyAtTopLevelSemicolons() {
        let sql = """
            -- a comment; with a semicolon
            CREATE TABLE t (a text DEFAULT 'x;y', b text DEFAULT 'it''s;');
            /* block; /* nested; */ still comment; */
            CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $body$ BEGIN RETURN 1; END $body$;
            DO $$ BEGIN PERFORM 1; END $$;
            SELECT "odd;name" FROM t;
            ;;
            """
        let statements = SQLScript.statements(in: sql)
        // Comments travel with the statement after them; empty statements are dropped.
        #expect(statements.count == 4)
        #expect(statements[0].hasSuffix("DEFAULT 'it''s;')"))
        #expect(statements[1].contains("CREATE FUNCTION f()"))
        #expect(statements[1].hasSuffix("END $body$"))
        #expect(statements[2] == "DO $$ BEGIN PERFORM 1; END $$")
        #expect(statements[3] == "SELECT \"odd;name\" FROM t")
    }

    @Test func databaseURLsAreParsedOrRefusedClearly() throws {
        let url = try DatabaseURL("postgres://ann:secret@db.example:6543/shop")
        #expect(url.configuration.host == "db.example")
        #expect(url.configuration.port == 6543)
        #expect(url.configuration.username == "ann")
        #expect(url.configuration.database == "shop")
        #expect(url.redacted == "postgres://ann:***@db.example:6543/shop")
        let socket = try DatabaseURL("postgres://ann@localhost:5433/shop?host=/tmp/pg")
        #expect(socket.configuration.unixSocketPath == "/tmp/pg/.s.PGSQL.5433")
        #expect(throws: DatabaseURLError.self) { try DatabaseURL("mysql://a@b/c") }
        #expect(throws: DatabaseURLError.self) { try DatabaseURL("postgres://a@b") }
        #expect(throws: DatabaseURLError.self) { try DatabaseURL("postgres://a@b/c?sslmode=sometimes") }
    }

    @Test func logPositionsOrderByTransactionThenPosition() {
        let a = LogPosition(transactionId: 10, globalPosition: 7)
        let b = LogPosition(transactionId: 11, globalPosition: 3)
        #expect(a < b)
        #expect(LogPosition.start < a)
    }

    @Test func aWakeUpIsNeverMissedAndWaitsAreBounded() async {
        let signal = WakeUpSignal()
        let seen = signal.generation
        signal.fire()
        let started = ContinuousClock.now
        await signal.wait(after: seen, timeoutSeconds: 10)  // fired before waiting: returns at once
        #expect(ContinuousClock.now - started < .seconds(5))
        await signal.wait(after: signal.generation, timeoutSeconds: 0.05)  // nothing fires: times out
    }
}
