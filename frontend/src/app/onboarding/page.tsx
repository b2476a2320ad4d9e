"use client";
import { useEffect, useState } from "react";
import { api, getMe, loginHref, type Me } from "@/lib/account";

type Topic = { id: number; name: string };
type Answers = { topic_interests: number[]; goals: string[]; certificate_desired: string; current_education: string; time_commitment: string; delivery: string[] };

const GOALS = [
  ["academic-excellence", "Academic Boost"],
  ["career-growth", "Career Growth"],
  ["lifelong-learning", "Lifelong Learning"],
];
const CERTIFICATE = [
  ["yes", "Yes, I am looking for a certificate"],
  ["no", "No, I am not looking for a certificate"],
  ["not-sure-yet", "Not sure yet"],
];
const EDUCATION = [
  "Doctorate",
  "Master's or professional degree",
  "Bachelor's degree",
  "Associate degree",
  "Secondary/high school",
  "Junior secondary/junior high/middle school",
  "No formal education",
  "Other education",
];
const TIME = [
  ["0-to-5-hours", "<5 hours/week"],
  ["5-to-10-hours", "5-10 hours/week"],
  ["10-to-20-hours", "10-20 hours/week"],
  ["20-to-30-hours", "20-30 hours/week"],
  ["30-plus-hours", "30+ hours/week"],
];
const DELIVERY = [
  ["online", "Online"],
  ["hybrid", "Hybrid"],
  ["in_person", "In-Person"],
];
const STEPS = ["Topics", "Goals", "Certificate", "Education", "Time", "Format"];

function toggle(values: string[] | number[], value: string | number) {
  const list = values as (string | number)[];
  return list.includes(value) ? list.filter((v) => v !== value) : [...list, value];
}

/** First-login onboarding: six short steps saved to the profile (which then drives the dashboard). */
export default function OnboardingPage() {
  const [me, setMe] = useState<Me | null>(null);
  const [topics, setTopics] = useState<Topic[]>([]);
  const [step, setStep] = useState(0);
  const [error, setError] = useState("");
  const [answers, setAnswers] = useState<Answers>({ topic_interests: [], goals: [], certificate_desired: "", current_education: "", time_commitment: "", delivery: [] });

  useEffect(() => {
    getMe().then(setMe, () => setError("The service could not be reached."));
    fetch("/api/v1/topics/?is_toplevel=true&limit=100")
      .then((r) => r.json())
      .then((p) => setTopics(p.results ?? []), () => setTopics([]));
  }, []);
  if (me && !me.is_authenticated && typeof window !== "undefined") {
    window.location.href = loginHref(window.location.href);
    return null;
  }
  const next = () => (typeof window === "undefined" ? "/dashboard" : new URLSearchParams(window.location.search).get("next") || "/dashboard");
  const finish = async () => {
    try {
      await api("PATCH", "/api/v0/profiles/me/", { ...answers, completed_onboarding: true });
      window.location.href = next();
    } catch (e) {
      setError(String((e as Error).message));
    }
  };
  const radio = (name: keyof Answers, options: string[][]) =>
    options.map(([value, label]) => (
      <label key={value} className="choice">
        <input type="radio" name={name} checked={answers[name] === value} onChange={() => setAnswers({ ...answers, [name]: value })} /> {label}
      </label>
    ));
  const boxes = (name: "goals" | "delivery", options: string[][]) =>
    options.map(([value, label]) => (
      <label key={value} className="choice">
        <input type="checkbox" checked={answers[name].includes(value)} onChange={() => setAnswers({ ...answers, [name]: toggle(answers[name], value) as string[] })} /> {label}
      </label>
    ));
  const body = [
    <fieldset key="topics">
      <legend>Which subjects interest you?</legend>
      {topics.map((t) => (
        <label key={t.id} className="choice">
          <input type="checkbox" checked={answers.topic_interests.includes(t.id)} onChange={() => setAnswers({ ...answers, topic_interests: toggle(answers.topic_interests, t.id) as number[] })} /> {t.name}
        </label>
      ))}
    </fieldset>,
    <fieldset key="goals">
      <legend>What are your goals?</legend>
      {boxes("goals", GOALS)}
    </fieldset>,
    <fieldset key="certificate">
      <legend>Are you looking for a certificate?</legend>
      {radio("certificate_desired", CERTIFICATE)}
    </fieldset>,
    <fieldset key="education">
      <legend>What is your current education?</legend>
      {radio("current_education", EDUCATION.map((e) => [e, e]))}
    </fieldset>,
    <fieldset key="time">
      <legend>How much time can you spend?</legend>
      {radio("time_commitment", TIME)}
    </fieldset>,
    <fieldset key="delivery">
      <legend>How would you like to learn?</legend>
      {boxes("delivery", DELIVERY)}
    </fieldset>,
  ];
  return (
    <div className="page onboarding">
      <h1>Welcome{me?.first_name ? `, ${me.first_name}` : ""}</h1>
      <p aria-live="polite">
        Step {step + 1} of {STEPS.length}: {STEPS[step]}
      </p>
      {body[step]}
      {error && <p role="alert">{error}</p>}
      <div className="onboarding-actions">
        {step > 0 && (
          <button type="button" onClick={() => setStep(step - 1)}>
            Back
          </button>
        )}
        {step < STEPS.length - 1 ? (
          <button type="button" onClick={() => setStep(step + 1)}>
            Next
          </button>
        ) : (
          <button type="button" onClick={finish}>
            Finish
          </button>
        )}
        <button type="button" onClick={finish} className="link-button">
          Skip for now
        </button>
      </div>
    </div>
  );
}
