//! The Model Context Protocol face of Throughline: the JSON API's reports and writes as
//! tools an AI assistant can call, over stdio (`throughline mcp`) or streamable HTTP
//! (`/mcp` on `serve`).
//!
//! Every tool calls the API's own handler with the same parameters and returns its body,
//! so an assistant reads exactly the figures, item keys and cache the API serves; nothing
//! here computes a report. What this module adds is the description an assistant chooses
//! a tool by, and the role check of the session: over HTTP the bearer token's role (the
//! request's [`Caller`], which rmcp hands over in the HTTP request's parts), over stdio
//! the person at the machine, trusted as a contributor (they could write through the CLI
//! anyway, but a strategy change or a token is not a thing to do from a chat).

use std::convert::Infallible;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use rmcp::handler::server::router::tool::ToolRouter;
use rmcp::handler::server::wrapper::Parameters;
use rmcp::model::{
    CallToolResult, ContentBlock, Extensions, Implementation, ListToolsResult,
    PaginatedRequestParams, ServerCapabilities, ServerConfig,
};
use rmcp::service::RequestContext;
use rmcp::transport::streamable_http_server::session::local::LocalSessionManager;
use rmcp::transport::streamable_http_server::{StreamableHttpServerConfig, StreamableHttpService};
use rmcp::{ErrorData, RoleServer, ServerHandler, ServiceExt, tool, tool_handler, tool_router};
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::Value;
use tower_service::Service;

use crate::api::items::{self, ItemsQuery};
use crate::api::links::{self, LinkBody};
use crate::api::notes::{self, NoteBody, NotesQuery};
use crate::api::reports::{
    self, AskQuery, BriefQuery, DriftQuery, GroupQuery, KeysQuery, MetricsQuery, TableFormatQuery,
    ThemesQuery,
};
use crate::api::{ApiJson, ApiPath, ApiQuery, ScopeQuery};
use crate::auth::{Caller, Contributor, Role};
use crate::{ApiError, AppState, api};

/// The tools that change the database; hidden from, and refused to, viewers.
pub const WRITE_TOOLS: [&str; 3] = ["add_note", "confirm_link", "correct_link"];

/// What the assistant is told about the server as a whole.
const INSTRUCTIONS: &str = "Throughline aligns an organisation's tracker work (Jira, \
GitHub, Linear) with its strategy (goals, key-result metrics, initiatives) and reports how \
the work lines up. Every figure comes with the item keys behind it; quote them. Start with \
`status` for how much work serves each goal and what is off plan; `items` lists the work \
behind any figure (same period/team/goal filters); `explain` shows one item and why it is \
linked where it is; `ask` answers a free question offline with citations; `brief` is the \
executive summary in Markdown; `drift` says what shifted recently; `themes` groups off-plan \
work; `metrics` shows key results against targets; `strategy` shows the goals and \
initiatives (their ids are what the other tools take). Reports never name a person: teams \
smaller than `min_group` people fold into \"other\".";

/// How the session was opened, which decides who is calling.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Transport {
    /// `throughline mcp`: the person at the machine, trusted as a contributor.
    Stdio,
    /// `/mcp` on `serve`: the request's token decides.
    Http,
}

/// The MCP server: Throughline's tools over one [`AppState`].
#[derive(Clone)]
pub struct Tools {
    state: AppState,
    transport: Transport,
    tool_router: ToolRouter<Tools>,
}

/// Why the MCP server over stdio stopped.
#[derive(Debug, thiserror::Error)]
pub enum McpError {
    /// The client never completed the protocol's handshake.
    #[error("starting the MCP session on stdio: {0}")]
    Start(Box<rmcp::service::ServerInitializeError>),
    /// The session's task failed.
    #[error("the MCP session ended abnormally: {0}")]
    Session(#[from] tokio::task::JoinError),
}

/// Serves the tools on stdin/stdout until the client closes the session. The local user
/// acts as a contributor: they may add notes and confirm or correct links.
pub async fn serve_stdio(state: AppState) -> Result<(), McpError> {
    let tools = Tools::new(state, Transport::Stdio);
    let running = tools
        .serve(rmcp::transport::stdio())
        .await
        .map_err(|e| McpError::Start(Box::new(e)))?;
    running.waiting().await?;
    Ok(())
}

/// The streamable HTTP service for `/mcp`. Stateless, answering each POST with JSON:
/// the tools keep nothing between calls, and a session per client would only be memory
/// to expire.
pub fn http_service(state: AppState) -> StreamableHttpService<Tools, LocalSessionManager> {
    let mut config = StreamableHttpServerConfig::default()
        .with_legacy_session_mode(false)
        .with_json_response(true)
        .with_sse_keep_alive(None);
    if state.auth_required() {
        // rmcp accepts only loopback `Host` names by default, against DNS rebinding of a
        // server without tokens. With tokens required, the bearer token is that guard,
        // and the server's public name is not known here.
        config = config.disable_allowed_hosts();
    }
    StreamableHttpService::new(
        move || Ok(Tools::new(state.clone(), Transport::Http)),
        Default::default(),
        config,
    )
}

/// `/mcp`: refuses callers without at least the viewer role (as every API route does),
/// then hands the request to rmcp, whose tools read the [`Caller`] from it again for the
/// write tools.
pub async fn endpoint(
    mut service: StreamableHttpService<Tools, LocalSessionManager>,
    request: Request,
) -> Response {
    let verdict = match request.extensions().get::<Caller>() {
        Some(c) => c.require(Role::Viewer),
        None => Err(ApiError::Unauthorized(
            "no caller resolved (the authentication middleware is not installed)".into(),
        )),
    };
    if let Err(e) = verdict {
        return e.into_response();
    }
    let answered: Result<_, Infallible> = service.call(request).await;
    match answered {
        Ok(r) => r.map(Body::new),
        Err(never) => match never {},
    }
}

/// The report's scope: which period and team.
#[derive(Debug, Default, Deserialize, JsonSchema)]
pub struct ScopeParams {
    /// Period: 2026-Q3, 2026-H2, 2026-07, 2026-W32, 2026 or 2026-07-01..2026-09-30;
    /// omit (or `all`) for all time.
    pub period: Option<String>,
    /// Which work a period holds: `active` (worked on at any time in it, the default),
    /// `created` (created in it) or `resolved` (resolved in it).
    pub period_by: Option<String>,
    /// Only this team's work (team names as `status` lists them).
    pub team: Option<String>,
}

impl ScopeParams {
    fn query(&self) -> ScopeQuery {
        ScopeQuery {
            period: self.period.clone(),
            period_by: self.period_by.clone(),
            team: self.team.clone(),
        }
    }
}

/// Parameters of `status`.
#[derive(Debug, Default, Deserialize, JsonSchema)]
pub struct StatusParams {
    #[serde(flatten)]
    pub scope: ScopeParams,
    /// Only this goal's figures (a goal id from `strategy`); the totals stay the whole
    /// scope's.
    pub goal: Option<String>,
    /// Teams with fewer people than this fold into "other" (default 3, at least 2).
    pub min_group: Option<usize>,
    /// `false` leaves out the item keys behind each figure (default true).
    pub keys: Option<bool>,
}

/// Parameters of `items`: every filter of the CLI's `items` and `/api/items`.
#[derive(Debug, Default, Deserialize, JsonSchema)]
pub struct ItemsParams {
    #[serde(flatten)]
    pub scope: ScopeParams,
    /// Only work serving this goal (directly or through its initiatives).
    pub goal: Option<String>,
    /// Only work linked to this initiative.
    pub initiative: Option<String>,
    /// Only off-plan work for this reason (tech_debt, bug_incident, customer_escalation,
    /// sales_commitment, maintenance, exploration, other, not_covered), or `any`.
    pub off_plan: Option<String>,
    /// Only work in this class, as the reports count it: aligned, off_plan, not_placed,
    /// unclear or unlinked.
    pub class: Option<String>,
    /// Only work the engine could not place.
    #[serde(default)]
    pub unclear: bool,
    /// Only work with no link at all.
    #[serde(default)]
    pub unlinked: bool,
    /// Only links of this origin: explicit, inferred or corrected (several with commas).
    pub origin: Option<String>,
    /// Only work created in this period (a week 2026-W27, a month, a quarter; `none`:
    /// work without a creation date).
    pub created: Option<String>,
    /// Only the off-plan theme with this label, as `themes` names it.
    pub theme: Option<String>,
    /// Title or key contains this text (case-insensitive).
    pub text: Option<String>,
    /// Only work with this label.
    pub label: Option<String>,
    /// Only work filed under this component.
    pub component: Option<String>,
    /// Only work of this type (Bug, Story...).
    #[serde(rename = "type")]
    pub item_type: Option<String>,
    /// Only the engine's links less sure than this (0 to 1).
    pub below: Option<f64>,
    /// `stored` (default) or `confidence` (least sure inferences first: the review queue).
    pub sort: Option<String>,
    /// Rows to return (default 50, at most 1000).
    pub limit: Option<usize>,
    /// Rows to skip.
    #[serde(default)]
    pub offset: usize,
}

/// One item.
#[derive(Debug, Default, Deserialize, JsonSchema)]
pub struct ItemParams {
    /// The tracker's key, e.g. PAY-12.
    pub key: String,
    /// The source the key belongs to (jira, linear, github...); only needed when two
    /// sources share the key.
    pub source: Option<String>,
}

/// A question.
#[derive(Debug, Default, Deserialize, JsonSchema)]
pub struct AskParams {
    /// The question, e.g. "why is Payments off plan?" (at most 500 characters).
    pub question: String,
}

/// Parameters of `brief`.
#[derive(Debug, Default, Deserialize, JsonSchema)]
pub struct BriefParams {
    #[serde(flatten)]
    pub scope: ScopeParams,
    /// Teams with fewer people than this fold into "other" (default 3, at least 2).
    pub min_group: Option<usize>,
}

/// Parameters of `drift`.
#[derive(Debug, Default, Deserialize, JsonSchema)]
pub struct DriftParams {
    #[serde(flatten)]
    pub scope: ScopeParams,
    /// Compare only the last this many weeks (1 to 52) with the weeks before, instead of
    /// scanning the whole period for shifts (the default).
    pub recent_weeks: Option<i64>,
    /// Weeks in the window compared against, with `recent_weeks` (default 8, 1 to 104).
    pub baseline_weeks: Option<i64>,
    /// Teams with fewer people than this fold into "other" (default 3, at least 2).
    pub min_group: Option<usize>,
    /// `false` leaves out the item keys behind each figure (default true).
    pub keys: Option<bool>,
}

/// Parameters of `themes`.
#[derive(Debug, Default, Deserialize, JsonSchema)]
pub struct ThemesParams {
    #[serde(flatten)]
    pub scope: ScopeParams,
    /// Also theme work not placed yet (unclear or unlinked).
    #[serde(default)]
    pub unplaced: bool,
    /// `false` leaves out the item keys behind each theme (default true).
    pub keys: Option<bool>,
}

/// Parameters of `metrics`.
#[derive(Debug, Default, Deserialize, JsonSchema)]
pub struct MetricsParams {
    /// Only this metric (an id from `strategy`).
    pub id: Option<String>,
}

/// Parameters of `strategy`.
#[derive(Debug, Default, Deserialize, JsonSchema)]
pub struct StrategyParams {
    /// `true` lists every applied version (when, and its size) instead of the one in
    /// force.
    #[serde(default)]
    pub history: bool,
}

/// Parameters of `notes`.
#[derive(Debug, Default, Deserialize, JsonSchema)]
pub struct NotesParams {
    /// `item:KEY`, `item:SOURCE:KEY`, `initiative:ID` or `goal:ID`; all notes without it.
    pub on: Option<String>,
}

/// A new note.
#[derive(Debug, Default, Deserialize, JsonSchema)]
pub struct AddNoteParams {
    /// What it is about: `item:KEY`, `item:SOURCE:KEY`, `initiative:ID` or `goal:ID`.
    pub on: String,
    /// The note itself, in the team's words (at most 4000 characters; name no person).
    pub text: String,
    /// why (default), trade_off, learning, risk or customer_signal.
    pub kind: Option<String>,
    /// The team writing it, recorded with the note. Over HTTP the token's team is
    /// recorded instead.
    pub team: Option<String>,
}

/// Confirming an item's link.
#[derive(Debug, Default, Deserialize, JsonSchema)]
pub struct ConfirmParams {
    #[serde(flatten)]
    pub item: ItemParams,
    /// The team confirming, recorded with the link. Over HTTP the token's team is
    /// recorded instead.
    pub team: Option<String>,
}

/// Correcting an item's link.
#[derive(Debug, Default, Deserialize, JsonSchema)]
pub struct CorrectParams {
    #[serde(flatten)]
    pub item: ItemParams,
    /// Where it belongs: `initiative:ID`, `goal:ID` or `off_plan:REASON` (tech_debt,
    /// bug_incident, customer_escalation, sales_commitment, maintenance, exploration,
    /// other, not_covered).
    pub target: String,
    /// Why, in a few words; kept with the link.
    pub reason: Option<String>,
    /// The team correcting, recorded with the link. Over HTTP the token's team is
    /// recorded instead.
    pub team: Option<String>,
}

#[tool_router]
impl Tools {
    fn new(state: AppState, transport: Transport) -> Tools {
        Tools {
            state,
            transport,
            tool_router: Self::tool_router(),
        }
    }

    #[tool(
        description = "How the work lines up with the strategy for a period and team: total \
        work, the share aligned to each goal and initiative (by link origin), off-plan work by \
        reason, unclear and unlinked work, and each team's mix, every figure with the item \
        keys behind it. The first tool to call for 'how are we doing', 'how much goes to goal \
        X', 'what is off plan'. Same JSON as `throughline status --json` and /api/status."
    )]
    async fn status(&self, Parameters(p): Parameters<StatusParams>) -> CallToolResult {
        let r = reports::status(
            State(self.state.clone()),
            ApiQuery(p.scope.query()),
            ApiQuery(GroupQuery {
                min_group: p.min_group,
            }),
            ApiQuery(KeysQuery { keys: p.keys }),
            ApiQuery(TableFormatQuery::default()),
        )
        .await;
        let Some(goal) = p.goal.filter(|g| !g.trim().is_empty()) else {
            return answer(r).await;
        };
        match json_of(r).await {
            Ok(report) => match only_goal(report, goal.trim()) {
                Ok(v) => text(v.to_string()),
                Err(e) => failure(e),
            },
            Err(e) => failure(e),
        }
    }

    #[tool(
        description = "The work items behind any figure, filtered (period, team, goal, \
        initiative, off-plan reason, class, origin, theme, text, label, component, type, \
        confidence), each with its effective link: `{total, offset, items}`. Use it to drill \
        into a number from status, drift or themes, or to find the review queue \
        (sort=confidence). Rows carry no assignee."
    )]
    async fn items(&self, Parameters(p): Parameters<ItemsParams>) -> CallToolResult {
        let q = ItemsQuery {
            period: p.scope.period,
            period_by: p.scope.period_by,
            team: p.scope.team,
            goal: p.goal,
            initiative: p.initiative,
            off_plan: p.off_plan,
            class: p.class,
            unclear: p.unclear,
            unlinked: p.unlinked,
            origin: p.origin,
            created: p.created,
            theme: p.theme,
            text: p.text,
            label: p.label,
            component: p.component,
            item_type: p.item_type,
            below: p.below,
            sort: p.sort,
            limit: p.limit,
            format: None,
            offset: p.offset,
        };
        answer(items::list(State(self.state.clone()), ApiQuery(q)).await).await
    }

    #[tool(
        description = "Everything known about one work item and why it is linked where it \
        is: its facts, its text (people masked), every link by origin (explicit from the \
        strategy's selectors, inferred by the engine with its confidence and reason, \
        corrected by a person), the effective one, and its notes."
    )]
    async fn explain(&self, Parameters(p): Parameters<ItemParams>) -> CallToolResult {
        let source = match self.source_of(&p).await {
            Ok(s) => s,
            Err(e) => return failure(e),
        };
        answer(items::one(State(self.state.clone()), ApiPath((source, p.key))).await).await
    }

    #[tool(
        description = "Answers a free question about the work offline (no language model), \
        citing the items and notes behind the answer: `{shape, text, cited}`. For questions \
        the other tools do not fit, e.g. 'why is Payments off plan?', 'what are we doing \
        about churn?'."
    )]
    async fn ask(&self, Parameters(p): Parameters<AskParams>) -> CallToolResult {
        let q = AskQuery {
            q: Some(p.question),
        };
        answer(reports::ask(State(self.state.clone()), ApiQuery(q)).await).await
    }

    #[tool(
        description = "The executive brief as Markdown: what we execute and why, alignment, \
        metrics against targets, off-plan work, and signals, with a few item keys per figure. \
        For a summary to read or paste, not for figures to compute with (use status)."
    )]
    async fn brief(&self, Parameters(p): Parameters<BriefParams>) -> CallToolResult {
        let r = reports::brief(
            State(self.state.clone()),
            ApiQuery(p.scope.query()),
            ApiQuery(GroupQuery {
                min_group: p.min_group,
            }),
            ApiQuery(BriefQuery {
                format: Some("md".into()),
            }),
            ApiQuery(KeysQuery::default()),
        )
        .await;
        answer(r).await
    }

    #[tool(
        description = "Material shifts: the share of each goal and of off-plan work in each \
        window of the period against the window before it (the whole period is scanned; \
        `recent_weeks` compares only the last weeks), with the items behind each signal and \
        the closest moves within noise. For 'what changed', 'are we drifting'."
    )]
    async fn drift(&self, Parameters(p): Parameters<DriftParams>) -> CallToolResult {
        let r = reports::drift(
            State(self.state.clone()),
            ApiQuery(p.scope.query()),
            ApiQuery(GroupQuery {
                min_group: p.min_group,
            }),
            ApiQuery(DriftQuery {
                recent_weeks: p.recent_weeks,
                baseline_weeks: p.baseline_weeks,
            }),
            ApiQuery(KeysQuery { keys: p.keys }),
        )
        .await;
        answer(r).await
    }

    #[tool(
        description = "Off-plan work grouped into a few plain themes (with example items and \
        notes), for 'what is the unplanned work about'. A theme's label is what the `theme` \
        filter of `items` takes."
    )]
    async fn themes(&self, Parameters(p): Parameters<ThemesParams>) -> CallToolResult {
        let r = reports::themes(
            State(self.state.clone()),
            ApiQuery(p.scope.query()),
            ApiQuery(ThemesQuery {
                unplaced: p.unplaced,
            }),
            ApiQuery(KeysQuery { keys: p.keys }),
        )
        .await;
        answer(r).await
    }

    #[tool(
        description = "Key-result metrics against baseline and target, their recorded values \
        over time, and the launches (initiatives done) on their timeline. For 'are we moving \
        the numbers'."
    )]
    async fn metrics(&self, Parameters(p): Parameters<MetricsParams>) -> CallToolResult {
        let q = MetricsQuery { id: p.id };
        answer(reports::metrics(State(self.state.clone()), ApiQuery(q)).await).await
    }

    #[tool(
        description = "The strategy in force: goals, key-result metrics and initiatives with \
        their ids (which `status`, `items`, `notes` and `correct_link` take), and its version; \
        with history=true, every applied version instead."
    )]
    async fn strategy(&self, Parameters(p): Parameters<StrategyParams>) -> CallToolResult {
        let state = State(self.state.clone());
        if p.history {
            answer(api::strategy::history(state).await).await
        } else {
            answer(api::strategy::get_strategy(state).await).await
        }
    }

    #[tool(
        description = "Context notes (why, trade-offs, learnings, risks, customer signals) in \
        the teams' words, with the author's team and never a name; for one item, initiative \
        or goal, or all."
    )]
    async fn notes(&self, Parameters(p): Parameters<NotesParams>) -> CallToolResult {
        let q = NotesQuery { on: p.on };
        answer(notes::list(State(self.state.clone()), ApiQuery(q)).await).await
    }

    #[tool(
        description = "Write (contributor): adds a context note to an item, initiative or \
        goal, recorded with the writing team and no name. Over stdio the local user is \
        trusted as a contributor; over HTTP the token's role decides and its team is recorded."
    )]
    async fn add_note(
        &self,
        Parameters(p): Parameters<AddNoteParams>,
        extensions: Extensions,
    ) -> CallToolResult {
        let caller = match self.contributor(&extensions) {
            Ok(c) => c,
            Err(e) => return failure(e),
        };
        let body = NoteBody {
            on: p.on,
            kind: p.kind,
            text: p.text,
            date: None,
            team: p.team,
        };
        let r = notes::add(State(self.state.clone()), caller, ApiJson(body)).await;
        answer(r).await
    }

    #[tool(
        description = "Write (contributor): confirms the link an item has now (explicit or \
        inferred) as a person's, so it is kept and learned from; recorded with the team. Over \
        stdio the local user is trusted as a contributor; over HTTP the token's role decides."
    )]
    async fn confirm_link(
        &self,
        Parameters(p): Parameters<ConfirmParams>,
        extensions: Extensions,
    ) -> CallToolResult {
        let caller = match self.contributor(&extensions) {
            Ok(c) => c,
            Err(e) => return failure(e),
        };
        let source = match self.source_of(&p.item).await {
            Ok(s) => s,
            Err(e) => return failure(e),
        };
        // The handler reads its optional body as bytes (`ConfirmBody`'s shape).
        let body = serde_json::json!({ "team": p.team })
            .to_string()
            .into_bytes();
        let r = links::confirm(
            State(self.state.clone()),
            caller,
            ApiPath((source, p.item.key)),
            body.into(),
        )
        .await;
        answer(r).await
    }

    #[tool(
        description = "Write (contributor): corrects an item's link to an initiative, a goal \
        or an off-plan reason; a person's word, kept over the selectors and the engine, \
        recorded with the team and the reason. Over stdio the local user is trusted as a \
        contributor; over HTTP the token's role decides."
    )]
    async fn correct_link(
        &self,
        Parameters(p): Parameters<CorrectParams>,
        extensions: Extensions,
    ) -> CallToolResult {
        let caller = match self.contributor(&extensions) {
            Ok(c) => c,
            Err(e) => return failure(e),
        };
        let source = match self.source_of(&p.item).await {
            Ok(s) => s,
            Err(e) => return failure(e),
        };
        let body = LinkBody {
            target: p.target,
            reason: p.reason,
            team: p.team,
        };
        let r = links::link(
            State(self.state.clone()),
            caller,
            ApiPath((source, p.item.key)),
            ApiJson(body),
        )
        .await;
        answer(r).await
    }
}

impl Tools {
    /// Who is calling and with what role: the local user as a contributor over stdio,
    /// the request's token over HTTP (`None` when no caller was resolved: fail closed).
    fn caller(&self, extensions: &Extensions) -> Option<(Caller, Role)> {
        match self.transport {
            Transport::Stdio => Some((Caller::Local, Role::Contributor)),
            Transport::Http => {
                let caller = extensions.get::<Parts>()?.extensions.get::<Caller>()?;
                Some((caller.clone(), caller.role()?))
            }
        }
    }

    /// The caller, if they may write.
    fn contributor(&self, extensions: &Extensions) -> Result<Contributor, ApiError> {
        match self.caller(extensions) {
            Some((caller, role)) if role >= Role::Contributor => Ok(Contributor(caller)),
            Some((_, role)) => Err(ApiError::Forbidden(format!(
                "this tool writes and needs the contributor role; the token has {role}"
            ))),
            None => Err(ApiError::Unauthorized("a token is required".into())),
        }
    }

    /// The item's source: the one given, else the one the key is stored under.
    async fn source_of(&self, p: &ItemParams) -> Result<String, ApiError> {
        if let Some(s) = p.source.as_ref().filter(|s| !s.trim().is_empty()) {
            return Ok(s.trim().to_string());
        }
        let key = p.key.trim().to_string();
        self.state
            .read(move |store| {
                store
                    .find_item(None, &key)?
                    .map(|found| found.item.source)
                    .ok_or_else(|| ApiError::NotFound(format!("no item `{key}` in the database")))
            })
            .await
    }
}

#[tool_handler(router = self.tool_router)]
impl ServerHandler for Tools {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(ServerCapabilities::builder().enable_tools().build())
            .with_server_info(Implementation::new(
                "throughline",
                env!("CARGO_PKG_VERSION"),
            ))
            .with_instructions(INSTRUCTIONS)
    }

    /// Every tool for contributors; the read tools only for viewers, so an assistant is
    /// never offered what it will be refused.
    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, ErrorData> {
        let writes = self
            .caller(&context.extensions)
            .is_some_and(|(_, role)| role >= Role::Contributor);
        let tools = self
            .tool_router
            .list_all()
            .into_iter()
            .filter(|t| writes || !WRITE_TOOLS.contains(&t.name.as_ref()))
            .collect();
        Ok(ListToolsResult::with_all_items(tools))
    }
}

/// A successful tool result holding `body`.
fn text(body: String) -> CallToolResult {
    CallToolResult::success(vec![ContentBlock::text(body)])
}

/// A tool error the assistant reads and can act on (a bad period, an unknown item, a
/// missing role), rather than a protocol error it cannot.
fn failure(e: ApiError) -> CallToolResult {
    CallToolResult::error(vec![ContentBlock::text(e.to_string())])
}

/// The body of an API handler's response, as the tool's text.
async fn answer<R: IntoResponse>(r: Result<R, ApiError>) -> CallToolResult {
    match body_of(r).await {
        Ok(b) => text(b),
        Err(e) => failure(e),
    }
}

/// The body of a handler's response; its error (as its message) when it failed.
async fn body_of<R: IntoResponse>(r: Result<R, ApiError>) -> Result<String, ApiError> {
    let response = r?.into_response();
    let status = response.status();
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .map_err(|e| ApiError::Internal(format!("reading the answer: {e}")))?;
    let body = String::from_utf8_lossy(&bytes).into_owned();
    if status.is_success() {
        Ok(body)
    } else {
        Err(ApiError::Status(status, body))
    }
}

/// A handler's JSON answer, parsed.
async fn json_of<R: IntoResponse>(r: Result<R, ApiError>) -> Result<Value, ApiError> {
    let body = body_of(r).await?;
    serde_json::from_str(&body).map_err(|e| ApiError::Internal(format!("reading the report: {e}")))
}

/// The status report with only `goal` among its goals: an assistant asking about one
/// goal gets its figures without the rest, and the totals to compare them with.
fn only_goal(mut report: Value, goal: &str) -> Result<Value, ApiError> {
    let Some(goals) = report.get_mut("goals").and_then(Value::as_array_mut) else {
        return Err(ApiError::Internal("the status report has no goals".into()));
    };
    goals.retain(|g| {
        g.get("id")
            .and_then(Value::as_str)
            .is_some_and(|id| id.eq_ignore_ascii_case(goal))
    });
    if goals.is_empty() {
        return Err(ApiError::NotFound(format!(
            "no goal `{goal}` in the strategy in force (the `strategy` tool lists them)"
        )));
    }
    Ok(report)
}
