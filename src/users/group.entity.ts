import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

export const USERS_GROUP = 'confluence-users';
export const ADMINS_GROUP = 'confluence-administrators';
/** Groups the system relies on; they cannot be deleted. */
export const BUILT_IN_GROUPS = [USERS_GROUP, ADMINS_GROUP];

@Entity('groups')
export class GroupEntity {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'varchar', length: 255 })
  name: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
