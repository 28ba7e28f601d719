#!/bin/bash
# A worked example: `ecsim sweep` on a Slurm cluster across MPI ranks.
#
# Submit from the ecsim source tree (built with MPI, see below):
#   sbatch bench/slurm-sweep.sh
# and follow it with `squeue -u $USER` and `tail -f slurm-sweep-JOBID.out`.
#
# What it runs: the flagship scenario's Fargate variant swept over the
# target-tracking target value (30, 40, ..., 80) and the task size (512 or
# 1024 CPU units) with 20 seeds each: 6 x 2 x 20 = 240 day-long runs,
# spread over 64 ranks (one rank per core; rank 0 hands out the runs one at
# a time and writes the results). Each finished run is committed to
# out/slurm-sweep/results.sqlite, so a job that hits its time limit (Slurm
# sends SIGTERM first) or is cancelled keeps its runs: submit it again and
# --resume runs only the rest.
#
# Setting up, once, on a login node (Debian or Ubuntu; elsewhere load your
# site's modules instead, e.g. `module load gcc openmpi sqlite glib gsl`,
# and make sure the Open MPI that builds ecsim is the one srun/mpirun use):
#   sudo apt-get install libopenmpi-dev openmpi-bin   # or: ECSIM_MPI=1 .ci/setup
#   meson setup build-mpi -Dmpi=true && ninja -C build-mpi
# The output folder must be on a file system every node sees (/home or
# /scratch), and only rank 0 writes to it.
#
#SBATCH --job-name=ecsim-sweep
#SBATCH --nodes=2
#SBATCH --ntasks=64
#SBATCH --cpus-per-task=1
#SBATCH --mem-per-cpu=1G
#SBATCH --time=02:00:00
#SBATCH --output=slurm-sweep-%j.out

set -euo pipefail
cd "${SLURM_SUBMIT_DIR:-.}"

# module load gcc openmpi   # on clusters with environment modules

ECSIM=${ECSIM:-build-mpi/ecsim}
OUT=${OUT:-out/slurm-sweep}
TARGET=/services/0/scaling/policies/0/TargetTrackingScalingPolicyConfiguration/TargetValue

# --resume makes a resubmitted job continue where the last one stopped
# (and is harmless the first time).
args=(sweep scenarios/fargate-vs-ec2.json --variant fargate
      --grid "$TARGET=30:80:10" --grid /taskDefinitions/0/cpu=512,1024
      --set /taskDefinitions/0/memory=2048
      --seeds 20 --resume --best 'p99<250ms' -o "$OUT")

# Either launcher works: srun starts the ranks through Slurm's PMI (PMIx
# with Debian's Open MPI), mpirun reads the allocation from Slurm.
if srun --mpi=list 2>/dev/null | grep -q pmix; then
  srun --mpi=pmix "$ECSIM" "${args[@]}"
else
  mpirun -n "$SLURM_NTASKS" "$ECSIM" "${args[@]}"
fi

# The picture, on the login node or here (needs gnuplot):
#   build-mpi/ecsim plot out/slurm-sweep
