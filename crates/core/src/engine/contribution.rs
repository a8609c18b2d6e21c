//! Phase 5, contributions: who follows through, how much, and the hours the
//! coalition costs its members.

use super::{Contribution, Controller, Round, chance};
use crate::model::structure::grouped_contacts;
use crate::model::{GovernanceState, World};

/// Member i delivers with probability
///
/// reliability_i · (1 − trust_sensitivity (1 − τ_i)) · (1 − min(1, w_hidden hidden_i))
///               · (1 − implementation_need (1 − buy_in_i))
///
/// (conditional cooperation: low trust in the others, and hidden objections
/// turned passive resistance, lower follow-through; so does carrying out
/// decisions one did not agree to, as far as the work needs buy-in). The
/// time this round's deliberation took (`delay_now`, from amendment rounds)
/// is not spent working: a delivery is scaled by (1 − delay_now). A delivery is
/// work_i · e_i (its capacity for the work, `World::work`), less `setup_effort` of it while governance is being set
/// up or the next stage planned (`stage_rounds` after a milestone), and less the hedge
/// trapped · hedge · (1 − clamp(C_i / full_commitment, 0, 1)) that a member
/// holds back against being trapped: how likely it is to want out (last
/// round's commitment C_i short of full) times what leaving would cost it
/// ([`trapped`](super::exit::trapped): 1 with no exit protocol, 1/6 with a
/// graceful one by default). Maintenance hours this round: coordination_hours · contacts_i +
/// leader_hours · leadership_i · (members − 1) + setup_hours while setting up
/// or planning a stage
/// (check-in, renewal and re-alignment hours are added by their phases).
pub fn contributions<C: Controller>(r: &mut Round<'_, C>) {
    // `members`: the current members, ascending (as the decision phase
    // left them: it changes no one's membership).
    let (w, s, rng, now, trust_in_members, ctl, members) = (
        &mut *r.world,
        r.scenario,
        &mut *r.rng,
        &mut *r.tally,
        &*r.trust_cache,
        &mut *r.ctl,
        &*r.members,
    );
    let dy = &s.dynamics;
    // Setting up governance, or planning the next stage after a milestone
    // (`stage_rounds`): part of the work goes into the planning.
    let setting_up = matches!(w.coalition.governance, GovernanceState::SettingUp { .. })
        || w.round <= w.coalition.planning_until;
    let count = w.coalition.members;
    let trap = super::exit::trapped(s);
    w.count_groups_of(members);
    let n = w.n;
    let delay = w.coalition.delay_now;
    // `World::contacts(i)` with the coalition's side read once.
    let (grouped, council_size) = (w.grouped(), w.coalition.council_size);
    // Each delivery's amount, for the aligned effort summed after the loop
    // (which reads the world whole).
    let mut amounts = std::mem::take(&mut w.scratch);
    {
        // The per-agent vectors borrowed apart and sliced to the n agents:
        // one bounds check on i serves them all, and a store to one does
        // not make the others be read again.
        let World {
            reliability,
            hidden,
            buy_in,
            commitment,
            committed,
            delivered_now,
            delivered,
            missed,
            work,
            engagement,
            contributed,
            group,
            group_size,
            council,
            leadership,
            hours_now,
            ..
        } = &mut *w;
        let (reliability, hidden, buy_in, commitment) = (
            &reliability[..n],
            &hidden[..n],
            &buy_in[..n],
            &commitment[..n],
        );
        let (work, engagement, leadership) = (&work[..n], &engagement[..n], &leadership[..n]);
        let (group, council, trust_in_members) =
            (&group[..n], &council[..n], &trust_in_members[..n]);
        let (committed, delivered_now, delivered, missed) = (
            &mut committed[..n],
            &mut delivered_now[..n],
            &mut delivered[..n],
            &mut missed[..n],
        );
        let (contributed, hours_now, amounts) = (
            &mut contributed[..n],
            &mut hours_now[..n],
            &mut amounts[..n],
        );
        for &i in members {
            let p = reliability[i]
                * (1.0 - dy.trust_sensitivity * (1.0 - trust_in_members[i]))
                * (1.0 - (dy.w_hidden * hidden[i]).min(1.0))
                * (1.0 - dy.implementation_need * (1.0 - buy_in[i]));
            let hedged =
                trap * dy.hedge * (1.0 - (commitment[i] / dy.full_commitment).clamp(0.0, 1.0));
            let model = Contribution {
                delivers: chance(rng, p),
                share: 1.0 - hedged,
            };
            let c = ctl.contribute(i, model);
            let is_delivered = c.delivers;
            committed[i] += 1;
            delivered_now[i] = is_delivered;
            if is_delivered {
                delivered[i] += 1;
                missed[i] = 0;
                let share = if setting_up {
                    1.0 - dy.setup_effort
                } else {
                    1.0
                };
                let amount = work[i] * engagement[i] * share * c.share * (1.0 - delay);
                contributed[i] += amount;
                now.contributions += amount;
                amounts[i] = amount;
            } else {
                missed[i] += 1;
            }
            // `World::contacts(i)`.
            let contacts = if grouped {
                grouped_contacts(group, group_size, council, council_size, i)
            } else {
                count.saturating_sub(1)
            };
            let mut h = dy.coordination_hours * contacts as f64
                + dy.leader_hours * leadership[i] * count.saturating_sub(1) as f64;
            if setting_up {
                h += dy.setup_hours;
            }
            hours_now[i] += h;
        }
    }
    // The aligned effort, in the same order: nothing in the loop changed
    // what a member's alignment reads but its own contribution (the rival
    // prize's share), already added.
    for &i in members {
        if w.delivered_now[i] {
            now.aligned_effort += amounts[i] * w.alignment(i);
        }
    }
    w.scratch = amounts;
    w.coalition.total_contribution += now.contributions;
}
