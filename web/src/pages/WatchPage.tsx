import { useParams } from 'react-router';

export default function WatchPage() {
  const { id = '' } = useParams();
  return <h1>{id}</h1>;
}
