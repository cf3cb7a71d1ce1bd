import { sql, type Kysely } from 'kysely';

// Frozen in time: never edit a migration that has shipped; add a new one.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    -- pg_trgm is created by 0003_customers; repeated here so this migration stands on its own.
    create extension if not exists pg_trgm;

    -- Knowledge-base categories, shown in the help centre in 'position' order.
    create table kb_categories (
      id uuid primary key,
      slug text not null unique,
      name text not null,
      description text not null default '',
      position int not null default 0,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );
    create index kb_categories_position_idx on kb_categories (position, name);

    -- Help articles, written in Markdown. 'body_text' is the body as plain text (Markdown stripped,
    -- kept by the service) for search, snippets and the assistant's passages.
    -- Search: 'english' stems ("returns" finds "return"); the title also as written ('simple': product
    -- names, SKUs, words of other languages). Title weighs A, body B. The body is indexed once, not in
    -- both configurations: half the vector to read when ranking a common word. See docs/support.md.
    create table kb_articles (
      id uuid primary key,
      category_id uuid references kb_categories(id) on delete set null,
      slug text not null unique,
      title text not null,
      body text not null default '',
      body_text text not null default '',
      status text not null default 'draft' check (status in ('draft','published')),
      -- Internal articles are for agents only: never in the help centre, the widget or the assistant.
      internal boolean not null default false,
      version int not null default 1,
      author_id text,
      author_name text not null default '',
      published_at timestamptz,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      search tsvector generated always as (
        setweight(to_tsvector('english'::regconfig, title), 'A') ||
        setweight(to_tsvector('simple'::regconfig, title), 'A') ||
        setweight(to_tsvector('english'::regconfig, body_text), 'B')
      ) stored
    );
    -- Keep the vector in the row (compressed if need be) rather than in the TOAST table: ranking a common
    -- word reads it for every matching article, and a TOAST fetch per row made that 5-10 times slower.
    alter table kb_articles alter column search set storage main;
    create index kb_articles_search_idx on kb_articles using gin (search);
    create index kb_articles_title_trgm on kb_articles using gin (lower(title) gin_trgm_ops);
    create index kb_articles_category_idx on kb_articles (category_id, title);
    create index kb_articles_updated_idx on kb_articles (updated_at desc, id desc);

    -- Every saved version of an article's content (the version column counts them).
    create table kb_article_versions (
      article_id uuid not null references kb_articles(id) on delete cascade,
      version int not null,
      title text not null,
      body text not null,
      saved_by text not null,
      saved_at timestamptz not null default now(),
      primary key (article_id, version)
    );

    -- The words of all articles, for typo tolerance: a misspelt search word is replaced by the most
    -- similar known word (trigram similarity), as the PostgreSQL pg_trgm docs suggest.
    create table kb_words (
      word text primary key
    );
    create index kb_words_trgm on kb_words using gin (word gin_trgm_ops);

    -- Failed order verifications of the self-service assistant, per visitor and per order number:
    -- after too many, it stops checking and hands over to a person (no guessing emails for an order).
    create table kb_assistant_attempts (
      key text primary key,
      failures int not null default 0,
      window_start timestamptz not null default now()
    );
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table if exists kb_assistant_attempts, kb_words, kb_article_versions, kb_articles, kb_categories`.execute(db);
}
