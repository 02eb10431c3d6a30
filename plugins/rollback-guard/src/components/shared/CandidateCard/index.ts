export { CandidateCard } from './CandidateCard';
