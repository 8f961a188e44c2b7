import { CompiledQuery, type Compilable, type Kysely, type QueryResult } from 'kysely';

/**
 * A hot-path query built with Kysely once per shape, then reused with new parameters. One instance
 * serves one database (its SQL is that dialect's).
 * Building and compiling a Kysely query costs more than SQLite takes to run it; the SQL of a given
 * shape never changes, only its parameters do.
 *
 * `build` must use every argument exactly once, in order, as a parameter (so that the compiled
 * parameter list is the argument list). That is checked on the first compile of each shape; a
 * query that breaks the rule is rebuilt every time rather than run with wrong parameters.
 */
export class PreparedQuery<Db, Args extends readonly unknown[], Row> {
  private readonly compiled = new Map<string, string | null>();

  constructor(
    private readonly build: (db: Kysely<Db>, ...args: Args) => Compilable<Row>,
    /** Distinguishes shapes of one query, e.g. the row count of a multi-row INSERT. */
    private readonly shape: (...args: Args) => string = () => '',
  ) {}

  /** False once a shape was found whose parameters are not its arguments in order. */
  get fullyPrepared(): boolean {
    return [...this.compiled.values()].every((sql) => sql !== null);
  }

  async execute(db: Kysely<Db>, ...args: Args): Promise<QueryResult<Row>> {
    const key = this.shape(...args);
    const sql = this.compiled.get(key);
    if (sql) return db.executeQuery<Row>(CompiledQuery.raw(sql, [...args]));
    const query = this.build(db, ...args).compile();
    if (sql === undefined)
      this.compiled.set(key, sameParameters(query.parameters, args) ? query.sql : null);
    return db.executeQuery<Row>(query);
  }
}

function sameParameters(parameters: readonly unknown[], args: readonly unknown[]): boolean {
  return parameters.length === args.length && parameters.every((p, i) => p === args[i]);
}
