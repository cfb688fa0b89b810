// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.

#ifndef ASCHED_JOB_DOCUMENT_HPP
#define ASCHED_JOB_DOCUMENT_HPP

/// @file
/// @brief The versioned JSON document of a job, as persistent job stores hold it and `asched jobs export` writes it.

#include <asched/errors.hpp>
#include <asched/job.hpp>
#include <asched/time.hpp>
#include <asched/trigger.hpp>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <chrono>
#include <cstddef>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

namespace asched {

/**
 * @brief The version of the job document (and of the export document) this library writes, and the newest it reads.
 *
 * Version 1:
 * ```json
 * {"version": 1, "id": "nightly-report", "name": "Nightly report", "task": "send_report",
 *  "args": [1, "x"], "kwargs": {"to": "ops"},
 *  "trigger": {"type": "cron", "hour": "14", "timezone": "Europe/Berlin"},
 *  "executor": "default", "misfire_grace_time": 1, "coalesce": true, "max_instances": 1,
 *  "next_run_time": "2026-11-21T14:00:00+01:00"}
 * ```
 *
 * | field | JSON | meaning |
 * | --- | --- | --- |
 * | `version` | integer, required | 1; a newer version is refused, so an old library never misreads a new document |
 * | `id` | string, required | the job's id: 1-200 bytes of UTF-8 without control characters (@ref validate_job_id) |
 * | `name` | string, required | the job's human-readable name |
 * | `task` | non-empty string, required | the name the job's task is registered under (`register_task`) |
 * | `args` | array, optional (`[]`) | positional JSON arguments |
 * | `kwargs` | object, optional (`{}`) | named JSON arguments |
 * | `trigger` | object, required | the trigger's JSON form (@ref trigger::to_json) |
 * | `executor` | non-empty string, required | the executor's name |
 * | `misfire_grace_time` | number >= 0 or `null`, required | seconds (microsecond precision); `null`: no limit |
 * | `coalesce` | boolean, required | whether a backlog of due runs runs once |
 * | `max_instances` | integer >= 1, required | the most concurrent runs |
 * | `next_run_time` | string, `null` or absent | an ISO 8601 instant with its UTC offset (`Z` or `±HH:MM`); `null`: the
 * job is paused; absent: the first fire time of the trigger, computed when the job is added |
 *
 * Unknown fields are ignored, so that a document from a later 1.x library that adds fields still reads. The job
 * store's name is not part of the document: the store holding it knows it.
 */
inline constexpr int job_document_version = 1;

/**
 * @brief A job document that cannot be read: a missing or ill-typed field, a value out of range, a bad trigger,
 * a version newer than this library.
 *
 * `what()` names the job (when its id could be read), the field, the offending value and why, e.g.
 * `job document "nightly-report": field "max_instances": 0 is not allowed (at least 1)`.
 */
class invalid_job_document : public std::invalid_argument
{
public:
    /// @brief Builds the exception from its full message, the field concerned and the job's id (either may be empty).
    invalid_job_document(const std::string& message, std::string field, std::string job_id)
        : std::invalid_argument(detail::one_line_message(message)), field_(std::move(field)), job_id_(std::move(job_id))
    {
    }

    /// @brief The rejected field (`max_instances`, `trigger`, `jobs`, ...); empty when the document as a whole is
    /// wrong (not a JSON object).
    const std::string& field() const noexcept { return field_; }

    /// @brief The id of the job whose document was rejected; empty when the id itself could not be read.
    const std::string& job_id() const noexcept { return job_id_; }

private:
    std::string field_;
    std::string job_id_;
};

/**
 * @brief What a job document decodes to: everything needed to add the job again.
 *
 * The options a job document holds, with the task named rather than held. Members that are not given take
 * the defaults of @ref job_defaults.
 */
struct job_description
{
    /// The job's id, unique within its store; not empty.
    std::string id{};
    /// The human-readable name.
    std::string name{};
    /// The name its task is registered under; not empty. Whether a scheduler knows the name is for the caller to
    /// check (`find_task`).
    std::string task_name{};
    /// Positional JSON arguments.
    boost::json::array args{};
    /// Named JSON arguments.
    boost::json::object kwargs{};
    /// When the job runs.
    asched::trigger trigger;
    /// The executor's name; not empty.
    std::string executor{"default"};
    /// How late a run may start and still run, in microseconds; zero: only a run exactly on time;
    /// `asched::unlimited_grace`: no limit. Not negative.
    std::chrono::microseconds misfire_grace_time{std::chrono::seconds{1}};
    /// Whether a backlog of due runs runs once.
    bool coalesce{true};
    /// The most concurrent runs; at least 1.
    std::size_t max_instances{1};
    /// The next run time; unset (and not `paused`): the trigger's first fire time, computed when the job is added.
    std::optional<instant> next_run_time{};
    /// Whether the job is paused (it then has no next run time, and `next_run_time` is ignored).
    bool paused{false};

    /// @brief Equal when every member is (triggers compare by kind and settings).
    friend bool operator==(const job_description& a, const job_description& b) = default;
};

/**
 * @brief The description of a job the scheduler holds.
 *
 * A pending job (added before the scheduler started) is described without a next run time and not paused.
 * @throws scheduler_error (@ref errc::task_not_found) naming the job when its task is anonymous
 * (`task::name()` is empty): only a job whose task was registered by name can be described as data.
 */
job_description to_description(const job& j);

/**
 * @brief The document of a described job (see @ref job_document_version for the fields).
 *
 * `next_run_time` is written in the trigger's zone (@ref trigger::zone; `+00:00` for a trigger that names none).
 * @throws invalid_job_document when a member breaks its stated range (an empty id or task name, `max_instances`
 * of 0, a negative grace time), with the message @ref from_document would give: a document is never written that
 * cannot be read back.
 */
boost::json::object to_document(const job_description& description);

/**
 * @brief The document of a job the scheduler holds: `to_document(to_description(j))`.
 * @throws scheduler_error (@ref errc::task_not_found) naming the job when its task is anonymous.
 */
boost::json::object to_document(const job& j);

/**
 * @brief Reads a job document (see @ref job_document_version for the fields).
 *
 * Only decodes: whether the named task and executor exist in a scheduler is for the caller to check. The trigger
 * is read by @ref trigger::from_json with no default zone, so a trigger that names none takes the zone of the
 * scheduler the job is added to.
 * @throws invalid_job_document naming the job, the field, the value and why: a field missing or of the wrong type,
 * a version newer than @ref job_document_version, a bad trigger (with @ref trigger::from_json's message), a time
 * without a UTC offset, a negative grace time, `max_instances` of 0, ...
 */
job_description from_document(const boost::json::value& document);

/**
 * @brief The export document of several jobs: `{"version": 1, "jobs": [document, ...]}`, in the given order.
 * @throws invalid_job_document as @ref to_document.
 */
boost::json::object export_document(std::span<const job_description> jobs);

/**
 * @brief Reads an export document written by @ref export_document (or by hand), in its order.
 *
 * Unknown fields are ignored; ids are not checked for uniqueness (adding the jobs does that).
 * @throws invalid_job_document for a version newer than @ref job_document_version, a missing or ill-typed `jobs`
 * array, or a bad job document, whose message is prefixed with its position: `job export document: jobs[2]: job
 * document "nightly-report": field "max_instances": ...`.
 */
std::vector<job_description> import_document(const boost::json::value& document);

}  // namespace asched

#endif
