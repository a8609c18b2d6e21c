//! The state of one simulated coalition: agents as flat vectors, the directed
//! trust matrix, and the coalition itself.
//!
//! One concrete [`World`], no trait objects: every phase of the engine reads
//! and writes these vectors by agent index, which keeps a round free of
//! allocation and its order of work explicit.

pub mod governance;
pub mod init;
pub mod structure;
pub mod ties;

pub use init::build_world;

/// Where an agent stands with respect to the coalition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Never a member (may still be recruited).
    Outsider,
    Member,
    /// Left or was removed; does not come back.
    Former,
}

/// Why a member left, or why it was removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ExitReason {
    /// Trust in the other members fell too low.
    LowTrust,
    /// The agenda no longer serves its interests (or the steps are unclear).
    LowAlignment,
    /// Lost faith that the coalition will deliver.
    LowEfficacy,
    /// The hours cost more than it is willing to give.
    Overload,
    /// Objections it never voiced turned into resentment.
    HiddenObjection,
    /// A leader worn out by its coordination load.
    Burnout,
    /// The founder left (scheduled in the scenario).
    FounderDeparture,
    /// Removed by the coalition for not contributing.
    Removed,
    /// Left at a re-alignment because the new direction does not fit.
    Misfit,
    /// Resentment at being bound by decisions it voted against.
    Outvoted,
}

impl ExitReason {
    /// Every reason, in output order.
    pub const ALL: [ExitReason; 10] = [
        ExitReason::LowTrust,
        ExitReason::LowAlignment,
        ExitReason::LowEfficacy,
        ExitReason::Overload,
        ExitReason::HiddenObjection,
        ExitReason::Burnout,
        ExitReason::FounderDeparture,
        ExitReason::Removed,
        ExitReason::Misfit,
        ExitReason::Outvoted,
    ];

    /// snake_case name used in CSV files.
    pub fn name(self) -> &'static str {
        match self {
            ExitReason::LowTrust => "low_trust",
            ExitReason::LowAlignment => "low_alignment",
            ExitReason::LowEfficacy => "low_efficacy",
            ExitReason::Overload => "overload",
            ExitReason::HiddenObjection => "hidden_objection",
            ExitReason::Burnout => "burnout",
            ExitReason::FounderDeparture => "founder_departure",
            ExitReason::Removed => "removed",
            ExitReason::Misfit => "misfit",
            ExitReason::Outvoted => "outvoted",
        }
    }

    /// Index into per-reason counters (the order of [`ExitReason::ALL`]).
    pub fn index(self) -> usize {
        self as usize
    }
}

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The goal was reached.
    Goal,
    /// Formally ended with declared success after the first win.
    Sunset,
    /// Fell below the minimum size.
    Dissolved,
    /// Still going at the round limit.
    RoundLimit,
}

impl Outcome {
    /// snake_case name used in CSV files.
    pub fn name(self) -> &'static str {
        match self {
            Outcome::Goal => "goal",
            Outcome::Sunset => "sunset",
            Outcome::Dissolved => "dissolved",
            Outcome::RoundLimit => "round_limit",
        }
    }
}

/// Where governance setup stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GovernanceState {
    /// No rule agreed yet (the urgency trap, before the first conflict).
    Informal,
    /// Setup work under way; ends after the given round.
    SettingUp { until: u32, crisis: bool },
    /// The rule is in force.
    Established,
}

/// Scratch vectors of the exit phase (`engine::exit::leave_all`): the
/// round's leavers in order, each agent's place in that order, the members
/// at the start of the phase, and the trust factors of the exits.
#[derive(Debug, Clone, Default)]
pub struct ExitScratch {
    pub leavers: Vec<(usize, ExitReason)>,
    pub order: Vec<usize>,
    pub members: Vec<usize>,
    pub factors: Vec<f64>,
}

impl ExitScratch {
    /// Scratch for `n` agents.
    pub fn new(n: usize) -> Self {
        ExitScratch {
            leavers: Vec::with_capacity(n),
            order: Vec::with_capacity(n),
            members: Vec::with_capacity(n),
            factors: Vec::with_capacity(n + 1),
        }
    }
}

/// All state of one run. Per-agent vectors have length `n`; per-issue ones
/// `n * d` (agent-major); `trust[i * n + j]` is i's trust in j.
#[derive(Debug, Clone)]
pub struct World {
    pub n: usize,
    pub d: usize,
    // --- fixed attributes
    pub names: Vec<String>,
    pub resources: Vec<f64>,
    pub credibility: Vec<f64>,
    pub reliability: Vec<f64>,
    pub judgment: Vec<f64>,
    pub founder: Vec<bool>,
    /// Voting and agenda-setting power: resources × (1 − w + w credibility),
    /// w = `population.credibility_power`.
    pub power: Vec<f64>,
    /// Each agent's capacity for the coalition's work: (1 − λ) r̄ + λ r_i,
    /// λ = `population.work_follows_resources`, r̄ the mean resources of all
    /// agents. What it delivers, its part in carrying out a decision and
    /// its pace alone scale with it.
    pub work: Vec<f64>,
    /// Rivalry of the goal (0 = public good, 1 = zero-sum prize).
    pub rivalry: f64,
    /// Each agent's pace acting alone, w · ρ · `solo_efficiency` ·
    /// (1 − w_L + w_L c), w_L = `legitimacy_weight` (the solo benchmark of
    /// docs/model.md, "Value over acting alone"): under a rival prize, its
    /// chance of taking the prize alone.
    pub solo_pace: Vec<f64>,
    /// Trust of a member alone in the coalition (`dynamics.lone_trust`).
    pub lone_trust: f64,
    // --- changing attributes
    pub position: Vec<f64>,
    /// Relative salience: each agent's most important issue has 1.
    pub salience: Vec<f64>,
    pub urgency: Vec<f64>,
    pub engagement: Vec<f64>,
    /// Shared understanding of the objective's steps, in [0, 1].
    pub clarity: Vec<f64>,
    /// Belief that the coalition will deliver, in [0, 1].
    pub efficacy: Vec<f64>,
    /// Unvoiced objections turned resentment, in [0, 1].
    pub hidden: Vec<f64>,
    /// Resentment at being bound by decisions it voted against and lost
    /// (voiced objections overruled), in [0, 1].
    pub resentment: Vec<f64>,
    /// Buy-in: how far the member agreed to the decisions its work carries
    /// out, in [0, 1].
    pub buy_in: Vec<f64>,
    pub leadership: Vec<f64>,
    pub status: Vec<Status>,
    pub joined_round: Vec<u32>,
    pub left_round: Vec<u32>,
    /// On the steering committee (`committee` rule or coordination).
    pub committee: Vec<bool>,
    /// The group a member meets in ([`structure`]); its id is the index of
    /// the council member who headed it when it formed.
    pub group: Vec<u32>,
    /// Sits on the council that meets across groups ([`structure`]).
    pub council: Vec<bool>,
    /// Members per group id (recounted by `count_groups`).
    pub group_size: Vec<u32>,
    /// Scratch of the check-in phase (sparse relationships): each
    /// attendee's follow-through record, (delivered + a) / (committed + 2a).
    pub follow_through: Vec<f64>,
    /// Consecutive rounds without delivering.
    pub missed: Vec<u32>,
    /// Rounds committed and rounds delivered (the follow-through record).
    pub committed: Vec<u32>,
    pub delivered: Vec<u32>,
    /// Delivered this round (read by the trust phase).
    pub delivered_now: Vec<bool>,
    /// Attended this round's check-in.
    pub attended_now: Vec<bool>,
    /// Cumulative contribution (resource units) and maintenance hours.
    pub contributed: Vec<f64>,
    pub hours: Vec<f64>,
    /// Hours spent this round.
    pub hours_now: Vec<f64>,
    /// Decisions in which the member's vote was pivotal.
    pub pivotal: Vec<u32>,
    /// Decisions taken while a member whose outcome served its stake (won)
    /// or went against it (lost), as member welfare counts them.
    pub won: Vec<u32>,
    pub lost: Vec<u32>,
    /// Why it left, once it has.
    pub exit_reason: Vec<Option<ExitReason>>,
    /// Counted vote in this round's decision (None = did not vote).
    pub counted_yes: Vec<Option<bool>>,
    /// Scratch of the decision phase: each voter's utility and perceived merit.
    pub vote_u: Vec<f64>,
    pub vote_merit: Vec<f64>,
    /// Scratch of one phase at a time, one value per agent (engagement:
    /// each member's support; contributions: each delivery's amount), so
    /// that a phase can borrow the per-agent vectors apart.
    pub scratch: Vec<f64>,
    /// Scratch of the decision phase: stood aside in the last vote.
    pub stood_aside: Vec<bool>,
    /// Scratch of the decision phase: has a vote in this round's decision
    /// and is present for it (every member with a vote unless
    /// `governance.voting = "attendees"`).
    pub present: Vec<bool>,
    /// Stake of member i in a change on issue k that it wanted and that was
    /// blocked, while that issue stays open (`n * d`).
    pub waiting: Vec<f64>,
    /// Scratch of the exit phase (sized once, so a round allocates nothing).
    pub exit_scratch: ExitScratch,
    /// Commitment computed in the last engagement phase.
    pub commitment: Vec<f64>,
    /// Dense relationships: the N × N trust matrix (empty when sparse).
    pub trust: Vec<f64>,
    /// Sparse relationships (`trust.relationships`): instead of the
    /// matrix, each agent's relationships ([`ties`]).
    pub sparse: bool,
    /// Sparse: each agent's relationships, ascending by the other agent;
    /// mutual (i knows j exactly when j knows i), each with its own trust.
    pub ties: Vec<Vec<ties::Tie>>,
    /// Sparse: trust in a stranger (`trust.strangers`).
    pub strangers: f64,
    /// Sparse scratch: members by group, for the meetings.
    pub groups: ties::GroupIndex,
    // --- the coalition
    pub coalition: Coalition,
    /// Current round (1-based once stepping has begun).
    pub round: u32,
}

/// The coalition's collective state.
#[derive(Debug, Clone)]
pub struct Coalition {
    /// Agenda position on each issue.
    pub agenda: Vec<f64>,
    /// Share of the coalition's effort on each issue; 0 = out of scope.
    pub focus: Vec<f64>,
    pub goal: f64,
    /// Milestones in progress units, ascending.
    pub milestones: Vec<f64>,
    pub next_milestone: usize,
    pub progress: f64,
    /// Share of effort that goes in a decided, useful direction.
    pub direction: f64,
    /// Share of this round's work lost to deliberation (amendment rounds).
    pub delay_now: f64,
    /// Public standing: mean credibility, hurt by public quarrels.
    pub legitimacy: f64,
    pub governance: GovernanceState,
    /// The coordination structure in force (everyone meets until
    /// governance is established).
    pub coordination: crate::scenario::Coordination,
    /// Members on the council (recounted by `count_groups`).
    pub council_size: usize,
    pub last_checkin: u32,
    pub first_win_round: Option<u32>,
    /// Progress at the last milestone crossed: what results have shown.
    pub shown: f64,
    /// The next stage is being planned until this round (0 = not planning).
    pub planning_until: u32,
    pub members: usize,
    pub peak_members: usize,
    pub decisions_passed: u32,
    pub decisions_blocked: u32,
    /// Rounds of negotiation (amendment rounds) held, all proposals (the
    /// consent circle's objection round is not one).
    pub negotiation_rounds: u32,
    /// Consent's objection rounds held, all proposals: each time a reasoned
    /// objection was raised and the circle discussed it before its vote
    /// stood (0 under every other rule).
    pub objection_rounds: u32,
    /// Decisions taken by modified consensus's fallback vote (a plain
    /// supermajority vote after `fallback_after` blocks of the issue).
    pub fallback_votes: u32,
    pub exits: [u32; 10],
    pub abrupt_exits: u32,
    pub joins: u32,
    pub crises: u32,
    pub leaks: u32,
    pub total_contribution: f64,
    pub total_hours: f64,
    pub sunset_declared: bool,
    pub expansions: u32,
    /// Sum over rounds of the members who did the round's work: those who
    /// were members when its exits were decided (leavers of the round
    /// included).
    pub member_rounds: u64,
    /// Round and progress of the last sunset review (0 before the first).
    pub review_round: u32,
    pub review_progress: f64,
    /// Round of the last re-alignment (0 = none).
    pub realigned_at: u32,
    /// Per issue: the round a proposal on it was first blocked while the
    /// problem is still unsolved (0 = not open).
    pub open_since: Vec<u32>,
    /// Per issue: proposals on it blocked since the last one passed.
    pub blocks: Vec<u32>,
    /// New matters waiting to be taken up.
    pub backlog: u32,
    /// The meetings are taken by a negotiation until this round.
    pub busy_until: u32,
    /// Member welfare: Σ over decisions and members of the stake of those
    /// the outcome served, and of all stakes.
    pub welfare_served: f64,
    pub welfare_stake: f64,
}

impl World {
    /// i's trust in j.
    #[inline]
    pub fn trust(&self, i: usize, j: usize) -> f64 {
        if self.sparse {
            return self.tie(i, j);
        }
        self.trust[i * self.n + j]
    }

    #[inline]
    pub fn is_member(&self, i: usize) -> bool {
        self.status[i] == Status::Member
    }

    /// Interest match of agent i with the agenda, in [-1, 1]:
    /// Σ_d focus_d · salience_id · (1 − |position_id − agenda_d|).
    #[inline(always)]
    pub fn interest_match(&self, i: usize) -> f64 {
        let c = &self.coalition;
        let d = self.d;
        let (salience, position) = (
            &self.salience[i * d..(i + 1) * d],
            &self.position[i * d..(i + 1) * d],
        );
        let mut s = 0.0;
        for (((&f, &a), &sal), &x) in c.focus[..d]
            .iter()
            .zip(&c.agenda[..d])
            .zip(salience)
            .zip(position)
        {
            // Only issues in scope (f > 0) count. Branch-free (the scope
            // varies issue by issue, a pattern the CPU mispredicts): an
            // issue out of scope adds +0.0, which leaves the sum as it is
            // (it starts at +0.0 and so is never −0.0).
            let term = f * sal * (1.0 - (x - a).abs());
            let in_scope = 0u64.wrapping_sub(u64::from(f > 0.0));
            s += f64::from_bits(term.to_bits() & in_scope);
        }
        s
    }

    /// How much the coalition's success serves agent i:
    /// (1 − rivalry) · match_i + rivalry · match_i · min(1, share_i / alone_i).
    /// Under a rival prize a member weighs its expected share of it in the
    /// coalition, share_i (its share of the contributions so far, or an
    /// equal share before anyone has contributed), against its expected
    /// take acting alone, alone_i: its chance of winning the race for the
    /// prize against the other members, each acting alone, in proportion to
    /// its pace (a lottery contest, Tullock 1980: pace_i / Σ_members pace_j).
    /// A member whose share is at least what it could win alone backs the
    /// coalition's claim fully; one whose share is less, in proportion.
    #[inline(always)]
    pub fn support(&self, i: usize) -> f64 {
        let m = self.interest_match(i);
        if self.rivalry == 0.0 {
            return m;
        }
        self.rival_support(i, m)
    }

    /// [`World::support`] under a rival prize, given i's interest match m
    /// (out of line, so that the common case without rivalry inlines).
    #[inline(never)]
    fn rival_support(&self, i: usize, m: f64) -> f64 {
        let r = self.rivalry;
        let c = &self.coalition;
        let share = if c.total_contribution > 0.0 {
            (self.contributed[i] / c.total_contribution).min(1.0)
        } else {
            1.0 / c.members.max(1) as f64
        };
        let mut field = self.solo_pace[i];
        for j in 0..self.n {
            if j != i && self.status[j] == Status::Member {
                field += self.solo_pace[j];
            }
        }
        let alone = if field > 0.0 {
            self.solo_pace[i] / field
        } else {
            1.0
        };
        let weigh = if alone > 0.0 {
            (share / alone).min(1.0)
        } else {
            1.0
        };
        (1.0 - r) * m + r * m * weigh
    }

    /// Alignment: interest match (floored at 0) times clarity of the steps.
    #[inline(always)]
    pub fn alignment(&self, i: usize) -> f64 {
        self.support(i).max(0.0) * self.clarity[i]
    }

    /// Mean trust of i in the other members (`lone_trust` when it is alone).
    pub fn trust_in_members(&self, i: usize) -> f64 {
        if self.sparse {
            return self.sparse_trust_in_members(i);
        }
        let row = &self.trust[i * self.n..(i + 1) * self.n];
        let mut sum = 0.0;
        let mut k = 0usize;
        for (j, &t) in row.iter().enumerate() {
            if j != i && self.status[j] == Status::Member {
                sum += t;
                k += 1;
            }
        }
        if k == 0 {
            self.lone_trust
        } else {
            sum / k as f64
        }
    }

    /// [`World::trust_in_members`] given the current members, ascending
    /// (dense: the same terms in the same order, without a scan of all n
    /// agents).
    pub fn trust_in_members_of(&self, i: usize, members: &[usize]) -> f64 {
        if self.sparse {
            return self.sparse_trust_in_members(i);
        }
        let row = &self.trust[i * self.n..(i + 1) * self.n];
        let mut sum = 0.0;
        let mut k = 0usize;
        for &j in members {
            if j != i {
                sum += row[j];
                k += 1;
            }
        }
        if k == 0 {
            self.lone_trust
        } else {
            sum / k as f64
        }
    }

    /// How far the coalition is on track: the share of the goal done over
    /// the share of the horizon gone, capped at 1 (the evidence of its pace
    /// members weigh in their efficacy).
    pub fn on_track(&self, max_rounds: u32) -> f64 {
        self.pace(self.coalition.progress, max_rounds)
    }

    /// The pace the coalition's results have shown: [`Self::on_track`] with
    /// the progress of its last milestone (0 before the first).
    pub fn shown_on_track(&self, max_rounds: u32) -> f64 {
        self.pace(self.coalition.shown, max_rounds)
    }

    fn pace(&self, progress: f64, max_rounds: u32) -> f64 {
        let time_share = self.round as f64 / max_rounds as f64;
        unit((progress / self.coalition.goal) / time_share.max(1e-9))
    }

    /// Mean over members of `f(i)`; 0 with no members.
    pub fn member_mean(&self, f: impl Fn(usize) -> f64) -> f64 {
        let mut sum = 0.0;
        let mut k = 0usize;
        for i in 0..self.n {
            if self.status[i] == Status::Member {
                sum += f(i);
                k += 1;
            }
        }
        if k == 0 { 0.0 } else { sum / k as f64 }
    }

    /// Mean trust between members (all ordered pairs).
    pub fn mean_trust(&self) -> f64 {
        if self.sparse {
            return self.sparse_mean_trust();
        }
        let mut sum = 0.0;
        let mut k = 0usize;
        for i in 0..self.n {
            if self.status[i] != Status::Member {
                continue;
            }
            for j in 0..self.n {
                if j != i && self.status[j] == Status::Member {
                    sum += self.trust[i * self.n + j];
                    k += 1;
                }
            }
        }
        if k == 0 { 0.0 } else { sum / k as f64 }
    }

    /// Adds `delta` to i's trust in j, clamped to [0, 1].
    #[inline]
    pub fn nudge_trust(&mut self, i: usize, j: usize, delta: f64) {
        if self.sparse {
            let t = self.know(i, j);
            *t = (*t + delta).clamp(0.0, 1.0);
            return;
        }
        let t = &mut self.trust[i * self.n + j];
        *t = (*t + delta).clamp(0.0, 1.0);
    }

    /// Scales member i's trust in every other member by `factor` (sparse:
    /// in the members it knows; a stranger stays a stranger).
    pub fn scale_trust_of(&mut self, i: usize, factor: f64) {
        if self.sparse {
            let ties = std::mem::take(&mut self.ties[i]);
            let mut ties = ties;
            for t in ties.iter_mut() {
                if self.status[t.j as usize] == Status::Member {
                    t.t *= factor;
                }
            }
            self.ties[i] = ties;
            return;
        }
        let n = self.n;
        for j in 0..n {
            if j != i && self.status[j] == Status::Member {
                self.trust[i * n + j] *= factor;
            }
        }
    }

    /// Scales every member's trust in every other member by `factor`
    /// (dense relationships).
    ///
    /// Over the list of members (the exit scratch's, whose capacity is n),
    /// not all N × N pairs with a status test: each pair is scaled once by
    /// the same factor either way.
    pub fn scale_member_trust(&mut self, factor: f64) {
        let n = self.n;
        let mut members = std::mem::take(&mut self.exit_scratch.members);
        members.clear();
        members.extend((0..n).filter(|&i| self.status[i] == Status::Member));
        for (at, &i) in members.iter().enumerate() {
            let row = &mut self.trust[i * n..(i + 1) * n];
            for half in [&members[..at], &members[at + 1..]] {
                for &j in half {
                    row[j] *= factor;
                }
            }
        }
        self.exit_scratch.members = members;
    }
}

/// Clamps to [0, 1].
#[inline]
pub fn unit(x: f64) -> f64 {
    x.clamp(0.0, 1.0)
}
