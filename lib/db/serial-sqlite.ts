import type { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import type { Database } from "better-sqlite3";
import { FifoLock } from "@/lib/fifo-lock";

type Adapter = Awaited<ReturnType<PrismaBetterSQLite3["connect"]>>;
type Transaction = Awaited<ReturnType<Adapter["startTransaction"]>>;

/**
 * In WAL mode (migrate.ts sets it), synchronous=NORMAL syncs the log at
 * checkpoints rather than at every commit (better-sqlite3's build default,
 * made explicit here): a commit costs about 45 µs instead of 430 µs on
 * this machine (an fsync each), and every statement runs on the server's
 * one thread. A commit survives the process being killed; only a power
 * cut or an OS crash can lose the last commits, never corrupt the file
 * (SQLite's documented trade-off). INFLATION_LAB_SQLITE_SYNC=full syncs
 * at every commit.
 */
export function sqliteSynchronous(value = process.env.INFLATION_LAB_SQLITE_SYNC): "NORMAL" | "FULL" {
  const wanted = (value ?? "").trim().toLowerCase();
  if (wanted === "" || wanted === "normal") return "NORMAL";
  if (wanted === "full") return "FULL";
  throw new Error(`INFLATION_LAB_SQLITE_SYNC must be "normal" or "full"; got "${value}"`);
}

/**
 * Prisma's better-sqlite3 adapter shares one connection between every
 * request. It queues transactions behind each other, but a statement run
 * outside a transaction goes straight to the connection: while another
 * request's interactive transaction is open (between its statements), that
 * statement runs inside it and is rolled back with it. This wrapper puts
 * every statement and every whole transaction in one queue, so a write
 * outside a transaction is atomic on its own and never joins another.
 * `exclusive` runs synchronous work on the same connection in the same
 * queue: the raw SQL lease path (lib/db/raw.ts).
 */
export function serializedSqliteAdapter(factory: PrismaBetterSQLite3): {
  adapter: PrismaBetterSQLite3;
  exclusive<T>(connect: () => Promise<unknown>, run: (database: Database) => T): Promise<T>;
} {
  let main: { lock: FifoLock; database: Database } | null = null;
  const wrapped = {
    provider: factory.provider,
    adapterName: factory.adapterName,
    connect: async () => {
      const inner = await factory.connect();
      const lock = new FifoLock();
      const database = (inner as unknown as { client: Database }).client;
      database.pragma(`synchronous = ${sqliteSynchronous()}`);
      main = { lock, database };
      return serialize(inner, lock);
    },
    connectToShadowDb: async () => serialize(await factory.connectToShadowDb(), new FifoLock()),
  };
  return {
    adapter: wrapped as unknown as PrismaBetterSQLite3,
    async exclusive(connect, run) {
      if (!main) await connect();
      if (!main) throw new Error("the SQLite connection is not open");
      const { lock, database } = main;
      const release = await lock.acquire();
      try {
        return run(database);
      } finally {
        release();
      }
    },
  };
}

function serialize(inner: Adapter, lock: FifoLock): Adapter {
  const locked = async <T>(run: () => Promise<T>): Promise<T> => {
    const release = await lock.acquire();
    try {
      return await run();
    } finally {
      release();
    }
  };
  const adapter: Adapter = {
    provider: inner.provider,
    adapterName: inner.adapterName,
    queryRaw: (query) => locked(() => inner.queryRaw(query)),
    executeRaw: (query) => locked(() => inner.executeRaw(query)),
    executeScript: (script) => locked(() => inner.executeScript(script)),
    startTransaction: async (isolationLevel) => {
      const release = await lock.acquire();
      let tx: Transaction;
      try {
        tx = await inner.startTransaction(isolationLevel);
      } catch (error) {
        release();
        throw error;
      }
      let open = true;
      const end = async (finish: () => Promise<void>) => {
        try {
          await finish();
        } finally {
          if (open) {
            open = false;
            release();
          }
        }
      };
      return {
        provider: tx.provider,
        adapterName: tx.adapterName,
        options: tx.options,
        queryRaw: (query) => tx.queryRaw(query),
        executeRaw: (query) => tx.executeRaw(query),
        commit: () => end(() => tx.commit()),
        rollback: () => end(() => tx.rollback()),
      };
    },
    dispose: () => inner.dispose(),
  };
  if (inner.getConnectionInfo) adapter.getConnectionInfo = () => inner.getConnectionInfo!();
  return adapter;
}
