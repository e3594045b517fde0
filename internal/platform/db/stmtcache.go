package db

import (
	"container/list"
	"context"
	"database/sql"
	"sync"
)

// The statement cache. database/sql prepares a query anew each time it runs a query
// text; on SQLite that parse and plan costs as much as running a small indexed query
// again (BenchmarkSessionLookup: the token check twice as fast prepared once). pgx keeps
// a statement cache per connection itself, so this is SQLite's only: a bounded LRU of
// *sql.Stmt per query text for each pool (database/sql prepares a cached statement once
// on each connection that runs it), and statements inside a transaction take the cached
// one through tx.StmtContext, which reuses it when it is already prepared on the
// transaction's connection.

// stmtCacheSize bounds the statements kept per pool: a few hundred covers the constant
// query texts of the code base, and lets a dynamic query with many shapes (filters, IN
// lists) pass through without evicting them for long.
const stmtCacheSize = 300

// stmtCache holds prepared statements of one pool by query text, least recently used
// first out.
type stmtCache struct {
	pool *sql.DB

	mu      sync.Mutex
	byQuery map[string]*list.Element // of *cachedStmt
	lru     list.List                // front: most recently used
	pending map[string]bool          // being prepared in the background
	closed  bool
}

// cachedStmt is a statement with the callers about to use it: an evicted statement is
// closed by the last of them (database/sql itself waits for open rows before it lets
// go of the driver's statement).
type cachedStmt struct {
	query   string
	stmt    *sql.Stmt
	users   int
	evicted bool
}

func newStmtCache(pool *sql.DB) *stmtCache {
	return &stmtCache{pool: pool, byQuery: map[string]*list.Element{}, pending: map[string]bool{}}
}

// get returns the statement of query, prepared when it is not cached; the caller starts
// its Exec or Query with it, then calls put.
func (c *stmtCache) get(ctx context.Context, query string) (*cachedStmt, error) {
	if cs := c.lookup(query); cs != nil {
		return cs, nil
	}
	stmt, err := c.pool.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed { // the pool closes: use the statement once
		cs := &cachedStmt{query: query, stmt: stmt, users: 1, evicted: true}
		return cs, nil
	}
	if e, ok := c.byQuery[query]; ok { // another caller prepared it meanwhile
		stmt.Close()
		cs := e.Value.(*cachedStmt)
		c.lru.MoveToFront(e)
		cs.users++
		return cs, nil
	}
	cs := &cachedStmt{query: query, stmt: stmt, users: 1}
	c.byQuery[query] = c.lru.PushFront(cs)
	for c.lru.Len() > stmtCacheSize {
		old := c.lru.Back()
		c.lru.Remove(old)
		ocs := old.Value.(*cachedStmt)
		delete(c.byQuery, ocs.query)
		ocs.evicted = true
		if ocs.users == 0 {
			ocs.stmt.Close()
		}
	}
	return cs, nil
}

func (c *stmtCache) lookup(query string) *cachedStmt {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.byQuery[query]
	if !ok {
		return nil
	}
	c.lru.MoveToFront(e)
	cs := e.Value.(*cachedStmt)
	cs.users++
	return cs
}

// put ends a use of cs begun by get.
func (c *stmtCache) put(cs *cachedStmt) {
	c.mu.Lock()
	defer c.mu.Unlock()
	cs.users--
	if cs.evicted && cs.users == 0 {
		cs.stmt.Close()
	}
}

// len is the number of cached statements.
func (c *stmtCache) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.lru.Len()
}

// close closes every cached statement (before the pool closes).
func (c *stmtCache) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for e := c.lru.Front(); e != nil; e = e.Next() {
		e.Value.(*cachedStmt).stmt.Close()
	}
	c.lru.Init()
	c.byQuery = map[string]*list.Element{}
	c.closed = true
}

// The three ways of running a query through the cache, in a transaction or (stx nil)
// on the pool. In a transaction a query not cached yet runs as plain text and is
// prepared for the cache in the background: preparing on the pool needs a connection,
// and the transaction holds one of the pool's (the write pool's only one).

func (c *stmtCache) exec(ctx context.Context, stx *sql.Tx, query string, args []any) (sql.Result, error) {
	if stx != nil {
		cs := c.inTx(query)
		if cs == nil {
			return stx.ExecContext(ctx, query, args...)
		}
		defer c.put(cs)
		return stx.StmtContext(ctx, cs.stmt).ExecContext(ctx, args...)
	}
	cs, err := c.get(ctx, query)
	if err != nil {
		return nil, err
	}
	defer c.put(cs)
	return cs.stmt.ExecContext(ctx, args...)
}

func (c *stmtCache) query(ctx context.Context, stx *sql.Tx, query string, args []any) (*sql.Rows, error) {
	if stx != nil {
		cs := c.inTx(query)
		if cs == nil {
			return stx.QueryContext(ctx, query, args...)
		}
		defer c.put(cs)
		return stx.StmtContext(ctx, cs.stmt).QueryContext(ctx, args...)
	}
	cs, err := c.get(ctx, query)
	if err != nil {
		return nil, err
	}
	defer c.put(cs)
	return cs.stmt.QueryContext(ctx, args...)
}

// queryRow returns the row, or the error of preparing the statement.
func (c *stmtCache) queryRow(ctx context.Context, stx *sql.Tx, query string, args []any) (*sql.Row, error) {
	if stx != nil {
		cs := c.inTx(query)
		if cs == nil {
			return stx.QueryRowContext(ctx, query, args...), nil
		}
		defer c.put(cs)
		return stx.StmtContext(ctx, cs.stmt).QueryRowContext(ctx, args...), nil
	}
	cs, err := c.get(ctx, query)
	if err != nil {
		return nil, err
	}
	defer c.put(cs)
	return cs.stmt.QueryRowContext(ctx, args...), nil
}

// inTx returns the cached statement of query for use in a transaction, or nil after
// starting its preparation in the background (once per query text at a time).
func (c *stmtCache) inTx(query string) *cachedStmt {
	if cs := c.lookup(query); cs != nil {
		return cs
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed || c.pending[query] {
		return nil
	}
	c.pending[query] = true
	go func() {
		cs, err := c.get(context.Background(), query)
		c.mu.Lock()
		delete(c.pending, query)
		c.mu.Unlock()
		if err == nil {
			c.put(cs)
		}
	}()
	return nil
}
